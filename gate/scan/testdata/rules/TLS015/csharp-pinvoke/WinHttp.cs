using System;
using System.Runtime.InteropServices;

internal static class WinHttp
{
    private const uint WINHTTP_OPTION_SECURE_PROTOCOLS = 84;
    private const uint WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 = 0x00000080;
    private const uint WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 = 0x00000800;

    [DllImport("winhttp.dll", SetLastError = true)]
    private static extern bool WinHttpSetOption(IntPtr hInternet, uint dwOption, ref uint lpBuffer, uint dwBufferLength);

    public static void Configure(IntPtr session)
    {
        uint protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
        WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, ref protocols, sizeof(uint));
        var msg = @"WinHttpSetOption(session, 84, ref protocols, 4)";
    }
}
