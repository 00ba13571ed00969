\builtin export AUTOVENV_KEY=$'/home/o\x27brien/caf\xc3\xa9 $(shop)\x1f/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv\x1f/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv/bin\x1f\x1f(caf\xc3\xa9 $(shop)) \x1f(caf\xc3\xa9 $(shop)) '
\builtin export AUTOVENV_OLD_PYTHONHOME='/opt/py'
\builtin export AUTOVENV_PATH_ADD=$'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv/bin'
\builtin export AUTOVENV_PROMPT=$'(caf\xc3\xa9 $(shop)) '
\builtin export AUTOVENV_ROOT=$'/home/o\x27brien/caf\xc3\xa9 $(shop)'
\builtin export AUTOVENV_SAVED='VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME'
\builtin export AUTOVENV_SET_VIRTUAL_ENV=$'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv'
\builtin export AUTOVENV_SET_VIRTUAL_ENV_PROMPT=$'(caf\xc3\xa9 $(shop)) '
\builtin export AUTOVENV_VENV=$'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv'
\builtin export PATH=$'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv/bin:/usr/bin:/bin'
\builtin unset -v PYTHONHOME
\builtin export VIRTUAL_ENV=$'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv'
\builtin export VIRTUAL_ENV_PROMPT=$'(caf\xc3\xa9 $(shop)) '
\builtin hash -r 2>/dev/null || :
