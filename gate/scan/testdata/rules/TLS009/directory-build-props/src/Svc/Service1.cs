class Service1 : System.ServiceProcess.ServiceBase { }
