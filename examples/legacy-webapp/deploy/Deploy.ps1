# Deploys LegacyWebApp to an IIS server. Run from an elevated Windows PowerShell 5.1 prompt.
param(
    [Parameter(Mandatory = $true)][string]$Server,
    [string]$SiteName = 'LegacyWebApp',
    [string]$Package = "$PSScriptRoot\..\obj\Release\Package\LegacyWebApp.zip"
)

$ErrorActionPreference = 'Stop'

# The old deployment endpoint only spoke TLS 1.0.
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls

Write-Host "Uploading $Package to $Server"
Invoke-WebRequest -Uri "https://$Server/msdeploy.axd?site=$SiteName" -Method Post -InFile $Package -UseBasicParsing

# Make the payment gateway calls work on the new Windows Server 2019 hosts.
Set-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319' -Name 'SchUseStrongCrypto' -Value 0 -Type DWord
Write-Host 'Done.'
