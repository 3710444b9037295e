using System;
using System.Configuration;
using System.Net;

namespace LedgerExport
{
    internal static class Program
    {
        private static int Main()
        {
            // Pinned in 2017 for the ledger appliance, never revisited.
            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls11;

            var url = ConfigurationManager.AppSettings["LedgerApiUrl"];
            using (var client = new WebClient())
            {
                Console.WriteLine(client.DownloadString(url + "today.csv"));
            }
            return 0;
        }
    }
}
