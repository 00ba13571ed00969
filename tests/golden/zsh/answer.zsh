__autovenv_e_v='2'
__autovenv_e_key=$'/home/o\x27brien/caf\xc3\xa9 $(shop)\x1f/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv\x1f/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv/bin\x1f\x1f(caf\xc3\xa9 $(shop)) \x1f(caf\xc3\xa9 $(shop)) '
__autovenv_e_root=$'/home/o\x27brien/caf\xc3\xa9 $(shop)'
__autovenv_e_venv=$'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv'
__autovenv_e_prompt=$'(caf\xc3\xa9 $(shop)) '
__autovenv_e_msg='activated .venv (Python 3.12.1)'
__autovenv_e_quiet=''
__autovenv_e_sig=$'HOME=/home/o\x27brien\x1fXDG_CONFIG_HOME!\x1fXDG_DATA_HOME!\x1fAUTOVENV_CONFIG_DIR!\x1fAUTOVENV_DATA_DIR!\x1fUV_PROJECT_ENVIRONMENT!\x1fPOETRY_VIRTUALENVS_PATH!\x1fPOETRY_VIRTUALENVS_IN_PROJECT!\x1fPOETRY_VIRTUALENVS_CREATE!\x1fPOETRY_CACHE_DIR!\x1fPOETRY_CONFIG_DIR!\x1fXDG_CACHE_HOME!\x1fPDM_PYTHON!\x1fPDM_IGNORE_SAVED_PYTHON!\x1fPDM_CONFIG_FILE!\x1fWORKON_HOME!\x1fPIPENV_VENV_IN_PROJECT!\x1fPIPENV_NO_VENV_IN_PROJECT!\x1fPIPENV_CUSTOM_VENV_NAME!\x1fPIPENV_PIPFILE!\x1fPIPENV_PYTHON!\x1fHATCH_DATA_DIR!\x1fHATCH_CONFIG!\x1fHATCH_ENV_TYPE_VIRTUAL_PATH!\x1fPYENV_VERSION!\x1fPYENV_ROOT!\x1fPYENV_DIR!\x1fPYTHON_BUILD_DEFINITIONS!\x1fPYTHON_BUILD_ROOT!\x1f'
__autovenv_e_ops=('set' 'VIRTUAL_ENV' $'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv' 'set' 'VIRTUAL_ENV_PROMPT' $'(caf\xc3\xa9 $(shop)) ' 'unset' 'PYTHONHOME' '' 'prepend' 'PATH' $'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv/bin')
__autovenv_e_notes=('a note with $(code) and `ticks`')
__autovenv_e_watch=($'/home/o\x27brien/caf\xc3\xa9 $(shop)' $'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv' $'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv/pyvenv.cfg')
__autovenv_e_pwatch=($'/home/o\x27brien/caf\xc3\xa9 $(shop)' $'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv' $'/home/o\x27brien/caf\xc3\xa9 $(shop)/.venv/pyvenv.cfg')
