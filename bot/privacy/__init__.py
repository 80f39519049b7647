"""Children's data: personal details masked before storage, retention and erasure."""
