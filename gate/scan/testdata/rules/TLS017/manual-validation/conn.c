#include <windows.h>
#include <schannel.h>

void Setup(SCHANNEL_CRED *sc, HINTERNET hRequest, BOOL insecure)
{
    sc->dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_SERVERNAME_CHECK;

    DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
    WinHttpSetOption(hRequest, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags));

    if (insecure) {
        DWORD all = SECURITY_FLAG_IGNORE_CERT_DATE_INVALID;
        WinHttpSetOption(hRequest, WINHTTP_OPTION_SECURITY_FLAGS, &all, sizeof(all));
    }
    DWORD rev = SECURITY_FLAG_IGNORE_REVOCATION;
    WinHttpSetOption(hRequest, WINHTTP_OPTION_SECURITY_FLAGS, &rev, sizeof(rev));
}

HINTERNET Open(HINTERNET hConnect)
{
    return HttpOpenRequestA(hConnect, "GET", "/", NULL, NULL, NULL,
        INTERNET_FLAG_SECURE | INTERNET_FLAG_IGNORE_CERT_CN_INVALID, 0);
}
