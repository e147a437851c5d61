#!/usr/bin/env bash
# Install what the HTML report's browser tests (tests/browser/) need:
#   - Debian's `chromium` and `chromium-driver` (only when /usr/bin/chromium is absent);
#   - a CJK font (Debian's `fonts-noto-cjk`, only when fc-list shows no Japanese font): without it
#     Chinese, Japanese and Korean post text renders as boxes and tests/browser/test_verdict_browser.py fails;
#   - the `selenium` Python package into the active Python (only when missing).
# Selenium drives /usr/bin/chromium through /usr/bin/chromedriver: no browser download.
# Exits non-zero when something could not be installed; the tests then skip with a message.
set -euo pipefail

PYTHON="${PYTHON:-python}"

apt_install() {  # apt_install PACKAGE... (as root, or with passwordless sudo)
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install_browser: no apt-get; install $* by hand" >&2; exit 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
            echo "install_browser: need root (or sudo) to apt-get install $*" >&2; exit 1
        fi
    fi
    echo "install_browser: apt-get install $*"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
fi

if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=ja | grep -q .); then
    apt_install fonts-noto-cjk
fi

if ! "$PYTHON" -c "import selenium" >/dev/null 2>&1; then
    echo "install_browser: pip install selenium"
    "$PYTHON" -m pip install --quiet "selenium>=4.10"
fi

/usr/bin/chromium --version 2>/dev/null || true
"$PYTHON" -c "import selenium; print('selenium', selenium.__version__)"
