[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
[System.Net.ServicePointManager]::SecurityProtocol = [System.Net.SecurityProtocolType]::Tls -bor [System.Net.SecurityProtocolType]::Tls11
[Net.ServicePointManager]::SecurityProtocol = 'tls, tls11, tls12'
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12, [Net.SecurityProtocolType]::Tls11
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor 3072
[Net.ServicePointManager]::SecurityProtocol = 192 -bor `
    768 -bor 3072
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -band -bnot [Net.SecurityProtocolType]::Tls
# [Net.ServicePointManager]::SecurityProtocol = 'Ssl3'
<# [Net.ServicePointManager]::SecurityProtocol = 'Tls' #>
[System.Net.ServicePointManager]::ServerCertificateValidationCallback = { $true }
[System.Net.ServicePointManager]::ServerCertificateValidationCallback = { return $true }
[System.Net.ServicePointManager]::ServerCertificateValidationCallback = $null
Invoke-RestMethod -Uri $u -SkipCertificateCheck
Invoke-WebRequest -Uri $u -SslProtocol Tls,Tls11
$p = [Net.SecurityProtocolType]::Tls11
[Net.ServicePointManager]::SecurityProtocol = $p
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::$name
[AppContext]::SetSwitch('Switch.System.Net.DontEnableSchUseStrongCrypto', $true)
if ([Net.ServicePointManager]::SecurityProtocol -eq 'Tls') { Write-Host 'old' }
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]'Tls11'
