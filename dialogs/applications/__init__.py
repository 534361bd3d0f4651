"""EU applications (policy 4.1): registering one, "mina ansökningar", and the programme list offered."""
