#include <windows.h>
#include <winhttp.h>

HINTERNET OpenSession(const wchar_t *agent)
{
    HINTERNET session = WinHttpOpen(agent, WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY,
                                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
#if 0
    /* kept for reference: pinned the legacy protocol set */
    DWORD legacy = WINHTTP_FLAG_SECURE_PROTOCOL_ALL;
    WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &legacy, sizeof(legacy));
#else
    DWORD modern = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &modern, sizeof(modern));
#endif

#if 1
    DWORD mixed = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &mixed, sizeof(mixed));
#else
    DWORD other = WINHTTP_FLAG_SECURE_PROTOCOL_SSL3;
    WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &other, sizeof(other));
#endif
    return session;
}
