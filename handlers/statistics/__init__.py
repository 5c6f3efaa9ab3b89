"""Statistics per wijk, buurt and city, and the weekly digest for coordinators (issue 14)."""
