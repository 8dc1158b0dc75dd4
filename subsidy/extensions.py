"""Flask extensions, created once and bound in create_app."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect


login_manager = LoginManager()
csrf = CSRFProtect()
# Client address: the socket's, or the one ProxyFix took from TRUSTED_PROXIES trusted proxies.
# No X-RateLimit-* headers: filling them reads each counter back from the storage (a GET and a
# TTL on Redis) on every limited answer, which doubled the Redis round trips of the status check.
# A refused request still says how long to wait: Retry-After on every 429 (web/errors.py).
# Set here, not from the config: the Limiter is one object for every app built in a process.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)
