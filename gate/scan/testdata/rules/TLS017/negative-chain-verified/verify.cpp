#include <windows.h>
#include <schannel.h>

void Setup(SCHANNEL_CRED *sc)
{
    // We validate the chain ourselves below.
    sc->dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION;
}

BOOL Verify(PCCERT_CONTEXT cert)
{
    PCCERT_CHAIN_CONTEXT chain = NULL;
    CERT_CHAIN_PARA para = { sizeof(para) };
    if (!CertGetCertificateChain(NULL, cert, NULL, cert->hCertStore, &para, 0, NULL, &chain)) return FALSE;
    CERT_CHAIN_POLICY_PARA policy = { sizeof(policy) };
    CERT_CHAIN_POLICY_STATUS status = { sizeof(status) };
    BOOL ok = CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain, &policy, &status) && status.dwError == 0;
    CertFreeCertificateChain(chain);
    return ok;
}
