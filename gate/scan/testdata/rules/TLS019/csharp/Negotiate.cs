class N {
    void A(NegotiateStream ns, NetworkCredential cred, string spn) { ns.AuthenticateAsClient(cred, spn, ProtectionLevel.EncryptAndSign, TokenImpersonationLevel.Identification); }
    void B(NegotiateStream ns, NetworkCredential cred, string spn, ProtectionLevel level) { ns.AuthenticateAsClient(cred, spn, level, TokenImpersonationLevel.Identification); }
    void C(SslStream s, string host, SslProtocols enabled) { s.AuthenticateAsClient(host, null, enabled, false); }
}
