"""Settings: one typed object, read from ``config.toml`` first, then environment variables,
which win.

The file is the one named by ``--config`` or ``WORKFLOW_CONFIG``, else ``config.toml`` at the
repository root (beside the ``workflow`` package), else in the working directory. Relative paths
in it are read from the file's own folder. Every key has an environment variable:
``WORKFLOW_<KEY>`` at the top, ``WORKFLOW_<SECTION>__<KEY>`` inside a section (a list as JSON);
the older ``WORKFLOW_NOTICE_SENDER`` and ``WORKFLOW_SMTP_*`` still work. Secrets never live in
the file: the secret key comes from ``WORKFLOW_SECRET_KEY`` or is generated once into
``instance/secret_key`` (mode 600). An unknown key or a value of the wrong kind stops start-up
with one line naming the key, the file (or variable) and what is allowed.

- ``model``: the ``Settings`` object and its sections;
- ``load``: reading the file and the environment (``load_settings``);
- ``problems``: one line a problem (``SettingsError``).
"""

from workflow.settings.load import find_config, load_settings
from workflow.settings.model import (
    CalendarSettings,
    LimitSettings,
    NoticeSender,
    NoticeSettings,
    SchedulerSettings,
    Settings,
    SmtpSettings,
    WebSettings,
)
from workflow.settings.problems import SettingProblem, SettingsError

__all__ = [
    "CalendarSettings",
    "LimitSettings",
    "NoticeSender",
    "NoticeSettings",
    "SchedulerSettings",
    "SettingProblem",
    "Settings",
    "SettingsError",
    "SmtpSettings",
    "WebSettings",
    "find_config",
    "load_settings",
]
