using System.Net;

namespace Crm.Tools
{
    public class Connector
    {
        // XOR under a negated membership test sets the bit: it adds the protocol
        public void EnableProtocols()
        {
            if (!ServicePointManager.SecurityProtocol.HasFlag(SecurityProtocolType.Tls11))
            {
                ServicePointManager.SecurityProtocol ^= SecurityProtocolType.Tls11;
            }

            if (!ServicePointManager.SecurityProtocol.HasFlag(SecurityProtocolType.Tls12))
                ServicePointManager.SecurityProtocol ^= SecurityProtocolType.Tls12;

            if ((ServicePointManager.SecurityProtocol & SecurityProtocolType.Ssl3) == 0)
            {
                ServicePointManager.SecurityProtocol ^= SecurityProtocolType.Ssl3;
            }
        }

        // XOR under a membership test clears the bit: a removal, not a finding
        public void DropLegacy()
        {
            if (ServicePointManager.SecurityProtocol.HasFlag(SecurityProtocolType.Tls))
            {
                ServicePointManager.SecurityProtocol ^= SecurityProtocolType.Tls;
            }

            if ((ServicePointManager.SecurityProtocol & SecurityProtocolType.Ssl3) == SecurityProtocolType.Ssl3)
                ServicePointManager.SecurityProtocol ^= SecurityProtocolType.Ssl3;

            // the non-compound spelling of the same idioms
            if (ServicePointManager.SecurityProtocol.HasFlag(SecurityProtocolType.Tls11))
                ServicePointManager.SecurityProtocol = ServicePointManager.SecurityProtocol ^ SecurityProtocolType.Tls11;
        }

        public void AddTls11Too()
        {
            if (!ServicePointManager.SecurityProtocol.HasFlag(SecurityProtocolType.Tls11))
                ServicePointManager.SecurityProtocol = ServicePointManager.SecurityProtocol ^ SecurityProtocolType.Tls11;
        }
    }
}
