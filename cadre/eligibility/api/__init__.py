"""The eligibility API: ``views`` (endpoints and their serializers), ``urls`` (mounted by config.api_urls)."""
