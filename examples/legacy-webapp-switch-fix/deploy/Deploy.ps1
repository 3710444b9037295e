# Deploys LegacyWebApp to an IIS server. Run from an elevated Windows PowerShell 5.1 prompt.
param(
    [Parameter(Mandatory = $true)][string]$Server,
    [string]$SiteName = 'LegacyWebApp',
    [string]$Package = "$PSScriptRoot\..\obj\Release\Package\LegacyWebApp.zip"
)

$ErrorActionPreference = 'Stop'

Write-Host "Uploading $Package to $Server"
Invoke-WebRequest -Uri "https://$Server/msdeploy.axd?site=$SiteName" -Method Post -InFile $Package -UseBasicParsing

Write-Host 'Done.'
