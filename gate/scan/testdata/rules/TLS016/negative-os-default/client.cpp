#include <schannel.h>
void Init(SCHANNEL_CRED &sc, TLS_PARAMETERS &tp)
{
    sc.grbitEnabledProtocols = 0;          // OS default
    tp.grbitDisabledProtocols = SP_PROT_SSL3_CLIENT | SP_PROT_TLS1_0_CLIENT | SP_PROT_TLS1_1_CLIENT;
    if (sc.grbitEnabledProtocols == SP_PROT_TLS1_CLIENT) { }
}
