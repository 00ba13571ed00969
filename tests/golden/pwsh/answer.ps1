@{
v = '2'
key = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + [char]0x001F + 'C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv' + [char]0x001F + 'C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv\Scripts' + [char]0x001F + [char]0x001F + '(.venv) ' + [char]0x001F + '(.venv) ')
root = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019)
venv = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv')
vprompt = '(.venv) '
prompt = '(.venv) '
pyver = ''
path = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv\Scripts')
msg = 'activated .venv (Python 3.12.1)'
quiet = ''
sig = ('HOME=C:\Users\x' + [char]0x001F + 'XDG_CONFIG_HOME!' + [char]0x001F + 'XDG_DATA_HOME!' + [char]0x001F + 'AUTOVENV_CONFIG_DIR!' + [char]0x001F + 'AUTOVENV_DATA_DIR!' + [char]0x001F + 'UV_PROJECT_ENVIRONMENT!' + [char]0x001F + 'POETRY_VIRTUALENVS_PATH!' + [char]0x001F + 'POETRY_VIRTUALENVS_IN_PROJECT!' + [char]0x001F + 'POETRY_VIRTUALENVS_CREATE!' + [char]0x001F + 'POETRY_CACHE_DIR!' + [char]0x001F + 'POETRY_CONFIG_DIR!' + [char]0x001F + 'XDG_CACHE_HOME!' + [char]0x001F + 'PDM_PYTHON!' + [char]0x001F + 'PDM_IGNORE_SAVED_PYTHON!' + [char]0x001F + 'PDM_CONFIG_FILE!' + [char]0x001F + 'WORKON_HOME!' + [char]0x001F + 'PIPENV_VENV_IN_PROJECT!' + [char]0x001F + 'PIPENV_NO_VENV_IN_PROJECT!' + [char]0x001F + 'PIPENV_CUSTOM_VENV_NAME!' + [char]0x001F + 'PIPENV_PIPFILE!' + [char]0x001F + 'PIPENV_PYTHON!' + [char]0x001F + 'HATCH_DATA_DIR!' + [char]0x001F + 'HATCH_CONFIG!' + [char]0x001F + 'HATCH_ENV_TYPE_VIRTUAL_PATH!' + [char]0x001F + 'PYENV_VERSION!' + [char]0x001F + 'PYENV_ROOT!' + [char]0x001F + 'PYENV_DIR!' + [char]0x001F + 'PYTHON_BUILD_DEFINITIONS!' + [char]0x001F + 'PYTHON_BUILD_ROOT!' + [char]0x001F)
notes = @('a note with $(code) and `ticks`')
watch = @(('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019), ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv'), ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv\pyvenv.cfg'))
}
