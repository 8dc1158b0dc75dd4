"""Flask extensions, created once and bound in create_app."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect


login_manager = LoginManager()
csrf = CSRFProtect()
# Client address: the socket's, or the one ProxyFix took from TRUSTED_PROXIES trusted proxies.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
