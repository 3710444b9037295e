using System.Net;

namespace Demo
{
    public static class Startup
    {
        public static void Configure()
        {
            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls | SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12;
        }

        public static void Multi()
        {
            System.Net.ServicePointManager.SecurityProtocol =
                SecurityProtocolType.Ssl3 |
                SecurityProtocolType.Tls12;
        }

        public static void Casts()
        {
            ServicePointManager.SecurityProtocol = (SecurityProtocolType)3072 | (SecurityProtocolType)768;
            ServicePointManager.SecurityProtocol = (SecurityProtocolType)0xC0;
            ServicePointManager.SecurityProtocol = (SecurityProtocolType)(24 + 24);
        }

        public static void BlockCommentInside()
        {
            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls12 /* | SecurityProtocolType.Tls */ | SecurityProtocolType.Tls11;
        }
    }
}
