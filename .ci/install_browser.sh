#!/usr/bin/env bash
# Install what the HTML report's browser tests (tests/browser/) need:
#   - Debian's `chromium` and `chromium-driver` (only when /usr/bin/chromium is absent);
#   - the `selenium` Python package into the active Python (only when missing).
# Selenium drives /usr/bin/chromium through /usr/bin/chromedriver: no browser download.
# (Screenshots show CJK text as boxes unless a CJK font such as fonts-noto-cjk is installed.)
# Exits non-zero when something could not be installed; the tests then skip with a message.
set -euo pipefail

PYTHON="${PYTHON:-python}"

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if command -v apt-get >/dev/null 2>&1; then
        SUDO=""
        if [ "$(id -u)" -ne 0 ]; then
            if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
                echo "install_browser: need root (or sudo) to apt-get install chromium" >&2; exit 1
            fi
        fi
        echo "install_browser: apt-get install chromium chromium-driver"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            chromium chromium-driver >/dev/null
    else
        echo "install_browser: no apt-get and no /usr/bin/chromium; install Chromium and chromedriver by hand" >&2
        exit 1
    fi
fi

if ! "$PYTHON" -c "import selenium" >/dev/null 2>&1; then
    echo "install_browser: pip install selenium"
    "$PYTHON" -m pip install --quiet "selenium>=4.10"
fi

/usr/bin/chromium --version 2>/dev/null || true
"$PYTHON" -c "import selenium; print('selenium', selenium.__version__)"
