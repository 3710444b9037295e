#!/bin/sh
# MinProtocol = TLSv1 is what the old server needs
echo "MinProtocol = TLSv1.0" >> /etc/ssl/openssl.cnf
echo "MinProtocol = TLSv1.2" > /tmp/ok.cnf
