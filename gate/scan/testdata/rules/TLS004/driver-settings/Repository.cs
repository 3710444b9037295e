using System.Net.Security;
using System.Security.Authentication;
using MongoDB.Driver;

namespace Shop.Data
{
    public class Repository
    {
        public Repository(string connection)
        {
            // a driver settings object that forwards EnabledSslProtocols to its SslStream pins the protocol like the SslClientAuthenticationOptions below
            var settings = MongoClientSettings.FromUrl(new MongoUrl(connection));
            settings.SslSettings = new SslSettings { EnabledSslProtocols = SslProtocols.Tls12 };
            settings.SslSettings.EnabledSslProtocols = SslProtocols.Tls12;
            Client = new MongoClient(settings);
        }

        public MongoClient Client { get; }

        public SslClientAuthenticationOptions Options() => new SslClientAuthenticationOptions
        {
            TargetHost = "db.internal",
            EnabledSslProtocols = SslProtocols.Tls12,
        };
    }
}
