using System;
using System.Runtime.InteropServices;

static class WinHttp
{
    const int WINHTTP_OPTION_SECURE_PROTOCOLS = 84;
    const int WINHTTP_OPTION_SECURITY_FLAGS = 31;
    const int WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 = 0x80;
    const int WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 = 0x800;
    const int SECURITY_FLAG_IGNORE_UNKNOWN_CA = 0x100;

    [DllImport("winhttp.dll", SetLastError = true)]
    static extern bool WinHttpSetOption(IntPtr hInternet, int dwOption, ref int lpBuffer, int dwBufferLength);

    static void Configure(IntPtr session)
    {
        int protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
        WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, ref protocols, 4);
        int modern = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
        WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, ref modern, 4);
        int flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA;
        WinHttpSetOption(session, WINHTTP_OPTION_SECURITY_FLAGS, ref flags, 4);
    }
}
