from qingfeng.orgs.urls_people import urlpatterns as people_urls
from qingfeng.orgs.urls_tree import urlpatterns as tree_urls

app_name = "orgs"
urlpatterns = [*tree_urls, *people_urls]
