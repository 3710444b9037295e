using System.Net;
using System.Net.Http;
using System.Net.Security;

class Client
{
    void Setup(HttpClientHandler handler, Settings settings, Stream stream)
    {
        handler.ServerCertificateCustomValidationCallback = (message, cert, chain, errors) => true;
        ServicePointManager.ServerCertificateValidationCallback += delegate { return true; };
        ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => e == SslPolicyErrors.None;
        var h = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator
        };
        ServicePointManager.ServerCertificateValidationCallback = ValidateAll;
        ServicePointManager.ServerCertificateValidationCallback = ValidateStrict;
        if (settings.AllowInvalidCertificates)
        {
            handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;
        }
        var ssl = new SslStream(stream, false, new RemoteCertificateValidationCallback(ValidateAll));
        var ok = new SslStream(stream, false, (s, c, ch, e) =>
        {
            if (e == SslPolicyErrors.None) return true;
            return c.GetCertHashString() == Pinned;
        });
        ServicePointManager.ServerCertificateValidationCallback = null;
    }

    static bool ValidateAll(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
    {
        return true;
    }

    static bool ValidateStrict(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
    {
        return errors == SslPolicyErrors.None;
    }
}
