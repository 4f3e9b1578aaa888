package metrics

// Builds counts the service's computations from scratch.
func Builds(s *Service) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.builds
}
