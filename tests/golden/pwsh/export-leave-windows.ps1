Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_KEY -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_OLD_PYTHONHOME -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_PATH_ADD -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_PROMPT -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_ROOT -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_SAVED -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_SET_VIRTUAL_ENV -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_SET_VIRTUAL_ENV_PROMPT -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/AUTOVENV_VENV -ErrorAction Ignore
$env:PATH = 'C:\Windows\system32;C:\Windows'
$env:PYTHONHOME = 'C:\Python312'
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/VIRTUAL_ENV -ErrorAction Ignore
Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/VIRTUAL_ENV_PROMPT -ErrorAction Ignore
