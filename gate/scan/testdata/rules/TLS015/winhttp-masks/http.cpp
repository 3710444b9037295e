#include <windows.h>
#include <winhttp.h>

void Configure(HINTERNET hSession)
{
    DWORD protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 |
                      WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 |
                      WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    WinHttpSetOption(hSession, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols));

    DWORD all = WINHTTP_FLAG_SECURE_PROTOCOL_ALL;
    WinHttpSetOption(hSession, 84, (LPVOID)&all, sizeof(all));

    DWORD modern(WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3);
    WinHttpSetOption(hSession, WINHTTP_OPTION_SECURE_PROTOCOLS, &modern, sizeof(modern));

    DWORD raw = 0xA80;
    raw &= ~WINHTTP_FLAG_SECURE_PROTOCOL_TLS1;
    raw &= ~WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1;
    WinHttpSetOption(hSession, WINHTTP_OPTION_SECURE_PROTOCOLS, &raw, sizeof(raw));
    // WinHttpSetOption(hSession, WINHTTP_OPTION_SECURE_PROTOCOLS, &all, sizeof(all));
}
