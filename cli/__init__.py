"""The ``milma`` command line, above the service, the engine and the evaluation."""
