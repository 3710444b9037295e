# Registry keys built inside foreach loops from known lists.
$root = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols'
$legacy = 'TLS 1.0', 'TLS 1.1'

foreach ($version in $legacy) {
    foreach ($side in 'Client', 'Server') {
        $key = Join-Path (Join-Path $root $version) $side
        New-Item -Path $key -Force | Out-Null
        New-ItemProperty -Path $key -Name 'Enabled' -PropertyType DWord -Value 1 -Force | Out-Null
    }
}

# hardening: old protocols switched off (no finding)
foreach ($version in @('SSL 2.0', 'SSL 3.0')) {
    $key = "$root\$version\Server"
    New-ItemProperty -Path $key -Name 'Enabled' -PropertyType DWord -Value 0 -Force | Out-Null
}

# TLS 1.2 disabled for both sides through an interpolated path
foreach ($side in 'Client', 'Server') {
    Set-ItemProperty -Path "$root\TLS 1.2\$side" -Name 'Enabled' -Value 0 -Type DWord
}

# the list is read at run time: nothing can be said
$Versions = Get-Content -Path .\versions.txt
foreach ($version in $Versions) {
    New-ItemProperty -Path "$root\$version\Client" -Name 'Enabled' -PropertyType DWord -Value 1 -Force | Out-Null
}
