using Microsoft.Win32;
class Installer {
    void Harden() {
        Registry.SetValue(@"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319", "SchUseStrongCrypto", 0, RegistryValueKind.DWord);
        var key = Registry.LocalMachine.CreateSubKey(@"SOFTWARE\Microsoft\.NETFramework\v4.0.30319");
        key.SetValue("SystemDefaultTlsVersions", 0);
    }
}
