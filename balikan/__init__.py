"""Return data to Dukcapil (data balikan): the outbox rows and the service that creates them.

Delivery (client, worker, sweep) is issue 10; rows are created here, inside the caller's
transaction, at the moment the return data arises (issue 9, item 7).
"""
