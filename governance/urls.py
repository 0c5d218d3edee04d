from .urls_audit import urlpatterns as audit_urlpatterns

app_name = "governance"
urlpatterns = [
    *audit_urlpatterns,
]
