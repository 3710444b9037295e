public class ClientOptions
{
    public RemoteCertificateValidationCallback CertificateValidator { get; set; } = (sender, cert, chain, errors) => true;
    public Func<HttpRequestMessage, X509Certificate2, X509Chain, SslPolicyErrors, bool> Check { get; set; } = (m, c, ch, e) => e == SslPolicyErrors.None;
    private static readonly RemoteCertificateValidationCallback AcceptAll = delegate { return true; };
    void M() { RemoteCertificateValidationCallback local = (a, b, c, d) => true; handler.ServerCertificateCustomValidationCallback = null; }
}
