using System;
using System.Reflection;

static class Boot
{
    static void Main()
    {
        typeof(AppContext).InvokeMember("SetSwitch", BindingFlags.InvokeMethod | BindingFlags.Static | BindingFlags.Public, null, null,
            new object[] { "Switch.System.Net.DontEnableSchUseStrongCrypto", true });
        typeof(AppContext).InvokeMember("SetSwitch", BindingFlags.InvokeMethod | BindingFlags.Static | BindingFlags.Public, null, null,
            new object[] { "Switch.System.Net.DontEnableSystemDefaultTlsVersions", false });
    }
}
