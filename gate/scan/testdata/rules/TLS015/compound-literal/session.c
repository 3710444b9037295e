#include <windows.h>
#include <winhttp.h>

/* Pre-8.1 systems need the protocols spelled out; later ones follow the OS. */
static void set_protocols(HINTERNET session, BOOL old_os)
{
    if (old_os)
    {
        WinHttpSetOption(
            session,
            WINHTTP_OPTION_SECURE_PROTOCOLS,
            &(ULONG){ WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 },
            sizeof(ULONG)
            );
    }
    else
    {
        WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS,
            &(DWORD){ WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3 }, sizeof(DWORD));
    }
}
