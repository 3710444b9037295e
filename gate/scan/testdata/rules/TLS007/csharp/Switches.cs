using System;

static class Switches
{
    const string WcfSwitch = "Switch.System.ServiceModel.DisableUsingServicePointManagerSecurityProtocols";

    static void Main()
    {
        AppContext.SetSwitch("Switch.System.Net.DontEnableSchUseStrongCrypto", true);
        AppContext.SetSwitch("Switch.System.Net.DontEnableSystemDefaultTlsVersions", true);
        AppContext.SetSwitch("Switch.System.Net.DontEnableSchUseStrongCrypto", false);
        AppContext.SetSwitch(WcfSwitch, true);
        AppContext.SetSwitch("Switch.System.Net.DontEnableTlsAlerts", true);
    }
}
