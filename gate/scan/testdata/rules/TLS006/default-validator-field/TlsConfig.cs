using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Net
{
    public class TlsConfig
    {
        private RemoteCertificateValidationCallback _validator;
        private RemoteCertificateValidationCallback _strict;

        // the library's default validator accepts every certificate
        public RemoteCertificateValidationCallback Validator
        {
            get
            {
                if (_validator == null)
                    _validator = DefaultCheck;
                return _validator;
            }
            set { _validator = value; }
        }

        public RemoteCertificateValidationCallback Strict
        {
            get
            {
                if (_strict == null)
                    _strict = OnlyValid;
                return _strict;
            }
        }

        private static bool DefaultCheck(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
        {
            return true;
        }

        private static bool OnlyValid(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
        {
            return errors == SslPolicyErrors.None;
        }
    }
}
