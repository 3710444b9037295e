# Deploys LegacyWebApp to an IIS server. Run from an elevated Windows PowerShell 5.1 prompt.
param(
    [Parameter(Mandatory = $true)][string]$Server,
    [string]$SiteName = 'LegacyWebApp',
    [string]$Package = "$PSScriptRoot\..\obj\Release\Package\LegacyWebApp.zip"
)

$ErrorActionPreference = 'Stop'

Write-Host "Uploading $Package to $Server"
Invoke-WebRequest -Uri "https://$Server/msdeploy.axd?site=$SiteName" -Method Post -InFile $Package -UseBasicParsing

# Strong crypto and OS-default protocols for every .NET 4.x app on the host.
Set-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319' -Name 'SchUseStrongCrypto' -Value 1 -Type DWord
Set-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319' -Name 'SystemDefaultTlsVersions' -Value 1 -Type DWord
Write-Host 'Done.'
