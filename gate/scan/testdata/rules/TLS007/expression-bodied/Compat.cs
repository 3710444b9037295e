using System;

namespace Legacy.Interop
{
    internal static class Compat
    {
        // expression-bodied members: the statement starts after "=>"
        public static void AllowWeakCiphers()
            => AppContext.SetSwitch("Switch.System.Net.DontEnableSchUseStrongCrypto", true);

        public static void UseOsDefaults()
            => AppContext.SetSwitch("Switch.System.Net.DontEnableSystemDefaultTlsVersions", false);

        public static bool Pinned =>
            AppContext.TryGetSwitch("Switch.System.Net.DontEnableSchUseStrongCrypto", out var on) && on;
    }
}
