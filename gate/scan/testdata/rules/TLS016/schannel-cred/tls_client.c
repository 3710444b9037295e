#define SECURITY_WIN32
#include <windows.h>
#include <schannel.h>
#include <security.h>

/* old vendored header */
#define SP_PROT_SSL3_CLIENT 0x8

SECURITY_STATUS Acquire(CredHandle *cred)
{
    SCHANNEL_CRED sc = { 0 };
    sc.dwVersion = SCHANNEL_CRED_VERSION;
    sc.grbitEnabledProtocols = SP_PROT_SSL3_CLIENT | SP_PROT_TLS1_CLIENT;
    sc.dwFlags = SCH_USE_STRONG_CRYPTO;
    return AcquireCredentialsHandleA(NULL, UNISP_NAME_A, SECPKG_CRED_OUTBOUND, NULL, &sc, NULL, NULL, cred, NULL);
}

static SCHANNEL_CRED g_modern = {
    .dwVersion = SCHANNEL_CRED_VERSION,
    .grbitEnabledProtocols = SP_PROT_TLS1_2_CLIENT,
};

void Disabled(TLS_PARAMETERS *tp)
{
    tp->grbitDisabledProtocols = SP_PROT_SSL3_CLIENT;
}
