#Requires -RunAsAdministrator

# the key comes from the caller, the weakening value is written here
function Reset-StrongCrypto($keyPath)
{
    if (Test-Path $keyPath) {
        Set-ItemProperty $keyPath SchUseStrongCrypto 0
    }
}

# name and value come from the caller: judged at each call
function Set-ProtocolValue {
    param([string]$Protocol, [string]$Side, [string]$Name, [int]$Value)
    $key = "HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\$Protocol\$Side"
    New-Item -Path $key -Force | Out-Null
    New-ItemProperty -Path $key -Name $Name -Value $Value -PropertyType DWord -Force | Out-Null
}

foreach ($fw in 'v2.0.50727', 'v4.0.30319')
{
    Reset-StrongCrypto "HKLM:\SOFTWARE\Microsoft\.NETFramework\$fw"
}

Set-ProtocolValue 'TLS 1.0' 'Client' 'Enabled' 1
Set-ProtocolValue -Protocol 'SSL 3.0' -Side 'Server' -Name 'Enabled' -Value 0
Set-ProtocolValue 'TLS 1.2' 'Client' 'DisabledByDefault' 1
