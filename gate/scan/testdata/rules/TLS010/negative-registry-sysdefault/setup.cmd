@echo off
rem enable OS default protocols for .NET 4.x
reg add "HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319" /v SystemDefaultTlsVersions /t REG_DWORD /d 1 /f /reg:64
