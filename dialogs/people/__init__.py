"""People and organisations: users and roles, contact persons (3.3) and bolag representatives (3.4), the event
history, and notices that did not reach their recipient."""
