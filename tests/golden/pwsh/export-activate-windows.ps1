$env:AUTOVENV_KEY = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + [char]0x001F + 'C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv' + [char]0x001F + 'C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv\Scripts' + [char]0x001F + [char]0x001F + '(.venv) ' + [char]0x001F + '(.venv) ')
$env:AUTOVENV_OLD_PYTHONHOME = 'C:\Python312'
$env:AUTOVENV_PATH_ADD = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv\Scripts')
$env:AUTOVENV_PROMPT = '(.venv) '
$env:AUTOVENV_ROOT = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019)
$env:AUTOVENV_SAVED = 'VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME'
$env:AUTOVENV_SET_VIRTUAL_ENV = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv')
$env:AUTOVENV_SET_VIRTUAL_ENV_PROMPT = '(.venv) '
$env:AUTOVENV_VENV = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv')
$env:PATH = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv\Scripts;C:\Windows\system32;C:\Windows')
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/PYTHONHOME -ErrorAction Ignore
$env:VIRTUAL_ENV = ('C:\Users\O''Brien\caf' + [char]0x00E9 + ' ' + [char]0x2018 + 'shop' + [char]0x2019 + '\.venv')
$env:VIRTUAL_ENV_PROMPT = '(.venv) '
