function Set-PowerShell5TLS {
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12 -bor `
        [Net.SecurityProtocolType]::Tls11 -bor `
        [Net.SecurityProtocolType]::Tls
}
function Set-NetSecurityProtocolType {
    try {
        [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12 + [Net.SecurityProtocolType]::Tls11 + [Net.SecurityProtocolType]::Tls
    } catch {
        Write-Debug '[Net.ServicePointManager] or [Net.SecurityProtocolType] not found in current environment'
    }
}
function Set-IcingaTLSVersion() {
    [Net.ServicePointManager]::SecurityProtocol = "tls12, tls11";
}
$currentProtocol = [System.Net.ServicePointManager]::SecurityProtocol
if (-not $currentProtocol.HasFlag([System.Net.SecurityProtocolType]::Tls11)) {
    [System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol  -bor [System.Net.SecurityProtocolType]::Tls11;
}
if (-not [Net.ServicePointManager]::SecurityProtocol.HasFlag([Net.SecurityProtocolType]::Tls12) -AND $EnableTls12) {
    [Net.ServicePointManager]::SecurityProtocol += [Net.SecurityProtocolType]::Tls12
}
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12, [Net.SecurityProtocolType]::Tls13
$AllProtocols = [System.Net.SecurityProtocolType]'Ssl3,Tls,Tls11,Tls12'
[System.Net.ServicePointManager]::SecurityProtocol = $AllProtocols
[Net.ServicePointManager]::SecurityProtocol = [Enum]::ToObject([Net.SecurityProtocolType], 3072)
[System.Net.ServicePointManager]::SecurityProtocol = $currentProtocol
Write-Host "[Net.ServicePointManager]::SecurityProtocol = 'Tls'"
