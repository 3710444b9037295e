using System;
using System.Web;
using System.Web.Mvc;
using System.Web.Routing;

namespace LegacyWebApp
{
    public class MvcApplication : HttpApplication
    {
        protected void Application_Start()
        {
            AreaRegistration.RegisterAllAreas();
            RouteTable.Routes.MapRoute(
                name: "Default",
                url: "{controller}/{action}/{id}",
                defaults: new { controller = "Payment", action = "Index", id = UrlParameter.Optional });
        }
    }
}
