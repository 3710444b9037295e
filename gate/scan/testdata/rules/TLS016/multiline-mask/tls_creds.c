#include <windows.h>
#define SECURITY_WIN32
#include <security.h>
#include <schannel.h>

static void setup_cred(SCHANNEL_CRED *cred, int version)
{
    memset(cred, 0, sizeof(*cred));
    cred->dwVersion = SCHANNEL_CRED_VERSION;

    switch (version) {
    case 0:
        cred->grbitEnabledProtocols = SP_PROT_TLS1_0_CLIENT |
            SP_PROT_TLS1_1_CLIENT |
            SP_PROT_TLS1_2_CLIENT;
        break;
    case 2:
        cred->grbitEnabledProtocols =
            SP_PROT_TLS1_2_CLIENT;
        break;
    default:
        cred->grbitEnabledProtocols = 0;
        break;
    }
}
